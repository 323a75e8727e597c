"""Background work on Django's task framework, its queue a table of the database
(django-tasks-db): the worker's heartbeat, the hand-over of a dead worker's jobs, retries with a
growing pause, and the files the worker writes. The jobs themselves live with their areas (the
briefing's PDF in dashboards, the review queue's export in review, the rounds' bulk data files in
bulk_data, the reminders' emails in supervision) and are written to be run twice: a job handed
over after its worker was killed finds what it already did and does the rest."""
