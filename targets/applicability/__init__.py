"""Measures that apply (分类指导): whether a measure applies to a county and why, and a county's
request to declare one 不适用, which its prefecture decides."""
