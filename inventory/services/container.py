"""Every service, built once from one context: what the bot's turns, its jobs and the CLI call."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.services.assignment import AssignmentService
from inventory.services.bulk_approvals import BulkApprovalService
from inventory.services.capacity import CapacityService
from inventory.services.context import ServiceContext
from inventory.services.flow_steps import FlowService
from inventory.services.holds import HoldService
from inventory.services.notifications import NotificationService
from inventory.services.onboarding import OnboardingService
from inventory.services.operators import OperatorService
from inventory.services.requests import RequestService
from inventory.services.reservations import ReservationService
from inventory.services.revert import RevertService
from inventory.services.rules import RuleService
from inventory.services.saved_searches import SavedSearchService
from inventory.services.stuck_watch import StuckWatch
from inventory.services.switches import SwitchService
from inventory.services.sync import SyncService
from inventory.services.views import Views


@dataclass(frozen=True)
class Services:
    context: ServiceContext
    sync: SyncService
    assignments: AssignmentService
    holds: HoldService
    flows: FlowService
    operators: OperatorService
    notifications: NotificationService
    views: Views
    reservations: ReservationService
    stuck_watch: StuckWatch
    reverts: RevertService
    capacity: CapacityService
    saved_searches: SavedSearchService
    rules: RuleService
    requests: RequestService
    switches: SwitchService
    onboarding: OnboardingService
    bulk_approvals: BulkApprovalService

    @classmethod
    def build(cls, context: ServiceContext) -> Services:
        assignments = AssignmentService(context)
        rules = RuleService(context)
        return cls(
            context=context,
            sync=SyncService(context),
            assignments=assignments,
            holds=HoldService(context),
            flows=FlowService(context),
            operators=OperatorService(context),
            notifications=NotificationService(context),
            views=Views(context),
            reservations=ReservationService(context),
            stuck_watch=StuckWatch(context),
            reverts=RevertService(context, assignments),
            capacity=CapacityService(context),
            saved_searches=SavedSearchService(context),
            rules=rules,
            requests=RequestService(context, assignments),
            switches=SwitchService(context),
            onboarding=OnboardingService(context, rules),
            bulk_approvals=BulkApprovalService(context),
        )
