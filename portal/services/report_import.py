"""placeholder"""

def import_report(*a, **k):
    raise NotImplementedError
