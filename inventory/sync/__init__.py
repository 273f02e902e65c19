"""Sync from Teams, the pure part: the diff (`diff`), its changes (`changes`) and stored runs (`runs`)."""
