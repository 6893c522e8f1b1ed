"""Progress against the plan, for team leaders and managers: the figures behind the leader
panels, `callqueue report` and the monthly review workbook.

Every figure function takes a `ReportScope` (`progress.scope`): leaders see their team's
buildings, managers all, collectors none. Definitions (collected, statuses, forecast) are
in docs/progress.md and in each module's docstring.
"""
