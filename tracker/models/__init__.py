from .agreements import Agreement, AgreementParty
from .base import DateAccuracy, Exactness
from .commitments import Commitment
from .dialogue import Mechanism
from .figures import ExchangeRate, ReportedFigure, Target
from .history import StatusChange
from .parties import Leader, Party, Summit
from .sources import Source
from .topics import Chapter, PriorityArea, Sector
from .version import DataVersion

__all__ = [
    "Agreement",
    "AgreementParty",
    "Chapter",
    "Commitment",
    "DataVersion",
    "DateAccuracy",
    "Exactness",
    "ExchangeRate",
    "Leader",
    "Mechanism",
    "Party",
    "PriorityArea",
    "ReportedFigure",
    "Sector",
    "Source",
    "StatusChange",
    "Summit",
    "Target",
]
