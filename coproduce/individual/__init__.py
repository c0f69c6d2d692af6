"""Person-centred plans, personal budgets and approved providers."""
