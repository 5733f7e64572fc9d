from .agreements import Agreement, AgreementParty
from .base import Exactness
from .commitments import Commitment
from .figures import ExchangeRate, FigureExactness, ReportedFigure, Target
from .history import StatusChange
from .parties import Leader, Party, Summit
from .sources import Source
from .topics import Chapter, PriorityArea, Sector

__all__ = [
    "Agreement",
    "AgreementParty",
    "Chapter",
    "Commitment",
    "Exactness",
    "ExchangeRate",
    "FigureExactness",
    "Leader",
    "Party",
    "PriorityArea",
    "ReportedFigure",
    "Sector",
    "Source",
    "StatusChange",
    "Summit",
    "Target",
]
