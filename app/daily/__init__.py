"""Daily grid work: check-ins (签到) and the diary of people's feelings (民情日记)."""
