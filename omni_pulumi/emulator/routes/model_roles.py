"""(pending)"""

ROUTES: list = []
