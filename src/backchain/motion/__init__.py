"""The motion coach: pose landmarks from video, rep counting and form checks.

Counting, rules, drawing and I/O are separate modules; counting and rules work on landmark
sequences alone, so they are tested on synthetic sequences and saved landmark files.
"""
