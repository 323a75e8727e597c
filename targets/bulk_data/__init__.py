"""Bulk data files (批量数据文件): per closed round, a zip of its approved data (approved notes and
indicator values as CSV, a README with the fields and the notice that the data is the province's,
and a manifest of the files' sha256), made by the task worker and kept for the provincial
reviewers and a later API to serve."""
