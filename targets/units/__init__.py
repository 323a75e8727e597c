"""The units that answer for the work: provincial and county departments, their members, and the
responsibility matrix (lead and cooperating units per measure, for the province and per county)."""
