"""A county's task list for a year (年度任务清单): its tasks under the measures open to it, their
milestones, the list's filing with the prefecture (年初报备) and its changes after approval, the
deadline per year, the Excel template and the ledger (台账)."""
