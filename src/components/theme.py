"""Colours of the Skolhub look: the purple bar of the guide."""

PURPLE = "#5B2A86"
PURPLE_LIGHT = "#EDE4F5"
OFFLINE_BG = "#FFF3CD"
OFFLINE_FG = "#664D03"
ERROR = "#B3261E"
