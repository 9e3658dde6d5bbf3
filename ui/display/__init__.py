"""The video-wall display mode: a read-only window of panels for the room's big screens."""
