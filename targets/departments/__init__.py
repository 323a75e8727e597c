"""Provincial departments at work: the province-level notes of the measures they lead, the
cooperating departments' contributions, and their opinions on county notes."""
