"""The domain over the ledger: importing plans, the unit directory, assignment, progress and
status. This is the only layer that commits; each public write is one transaction."""

from bihuan.track.errors import TrackError

__all__ = ["TrackError"]
