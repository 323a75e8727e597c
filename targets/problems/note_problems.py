"""A note's 存在问题, line by line, with the problem each line became on the list (if any)."""

from targets.models import Problem, ProgressNote
from targets.problems.rectification import DESCRIPTION_LENGTH, problem_lines


def lines_of(note: ProgressNote) -> list[tuple[str, Problem | None]]:
    """(text, its problem or None) for each problem the note names."""
    lines = problem_lines(note)
    if not lines:
        return []
    raised = {problem.description: problem for problem in note.raised_problems.all()}
    return [(text, raised.get(text[:DESCRIPTION_LENGTH])) for text in lines]
