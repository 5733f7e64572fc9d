from .agreements import Agreement, AgreementCommitment, AgreementParty
from .assessments import SHARED_ORIGINS, CountryAssessment, Verdict
from .base import ClaimBasis, DateAccuracy, Exactness
from .commitments import Commitment
from .dialogue import Mechanism, Statement
from .figures import ExchangeRate, ReportedFigure, Target
from .history import StatusChange
from .parties import Leader, Party, Summit
from .reviews import Proposal
from .sources import Source
from .topics import Chapter, PriorityArea, Sector
from .version import DataVersion

__all__ = [
    "Agreement",
    "AgreementCommitment",
    "AgreementParty",
    "Chapter",
    "ClaimBasis",
    "Commitment",
    "CountryAssessment",
    "DataVersion",
    "DateAccuracy",
    "Exactness",
    "ExchangeRate",
    "Leader",
    "Mechanism",
    "Party",
    "PriorityArea",
    "Proposal",
    "ReportedFigure",
    "Sector",
    "Source",
    "Statement",
    "StatusChange",
    "SHARED_ORIGINS",
    "Summit",
    "Target",
    "Verdict",
]
