"""Instructor tools: grading a whole class, item-analysis reports, synthetic classes and submissions."""
