"""The daemons of the lab, each a Service (services/base.py).

    default_services()   the services a class runs, in start order
"""


def default_services():
    from services.named import BenchDns, ClassDns, SecondaryDns
    from services.postfix import Postfix
    return [ClassDns(), BenchDns(), SecondaryDns(), Postfix()]
