"""Scenarios: the lab report's steps, replayed in a running lab and checked.

    steps.py     Step, Section, StepResult: a command in a host and what it must show
    checks.py    what an output must show (ping replies, patterns)
    derive.py    what a bench should show, asked of the class model (records, relays, aliases)
    runner.py    the command line shared by every scenario: build, play, PASS/FAIL, exit code
    connectivity.py ...   one module per page of the lab sheet
"""
