"""The daemons of the lab, each a Service (services/base.py).

    default_services()   the services a class runs, in start order
"""


def default_services():
    return []
