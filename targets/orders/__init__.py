"""Supervision orders (督办单): numbering, the states an order goes through, who may do what with
it, the daily reminders and escalation, and the notifications they send."""
