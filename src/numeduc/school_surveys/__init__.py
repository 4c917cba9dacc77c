"""Anonymous surveys of the people of the collèges (pupils, teachers, parents, staff): the pure
core of what may be shown and how answers roll up (docs/school-surveys.md). No Django."""

from numeduc.school_surveys.anonymity import MIN_ANSWERS, CollegePlace, Visibility, visibility

__all__ = ["MIN_ANSWERS", "CollegePlace", "Visibility", "visibility"]
