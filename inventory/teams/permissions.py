"""The Microsoft Graph application permissions Switchboard's requests need, one constant each.

Every request names the permission it needs, so a 403 can tell the operator exactly what an administrator
of that tenant must grant (and consent to). All of them are application permissions with admin consent.
"""

from __future__ import annotations

from typing import Final

# List numbers, read one number, read an assign/unassign operation's status.
NUMBERS_READ: Final = "TeamsTelephoneNumber.Read.All"
# assignNumber, unassignNumber (and updateNumber, which Switchboard does not use).
NUMBERS_WRITE: Final = "TeamsTelephoneNumber.ReadWrite.All"
# /admin/teams/userConfigurations: who holds which number, account types, effective policies.
USER_CONFIG_READ: Final = "TeamsUserConfiguration.Read.All"
# Granting and removing a Teams policy (/admin/teams/policy/userAssignments/assign and /unassign). Microsoft's
# reference does not name the permission of getPolicyId; this one is the likely one, and the only one an
# administrator could grant for it anyway.
POLICY_ASSIGN: Final = "TeamsPolicyUserAssign.ReadWrite.All"
# Display names and user principal names from Entra (/users), which userConfigurations does not carry.
USERS_READ: Final = "User.Read.All"
# Group names in a user's transitiveMemberOf. Listing another user's memberships needs only User.Read.All,
# but without a group permission Graph returns each group with its id and type only (displayName null), so
# rules with `group=` then match by object id. Named here for the setup guide; no request depends on it.
GROUPS_READ: Final = "GroupMember.Read.All"
