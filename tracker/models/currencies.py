"""The currencies an amount may be in: the active ISO 4217 codes for money (the list of 2025;
test, no-currency, precious-metal and bond-market units left out, since no agreement is
valued in them). Typed once here, so the admin, the CSV import and the database agree."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN
    ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD
    JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XDR
    XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 (167 codes read better as text)
)


def validate_currency(code):
    if code and code not in ISO_4217:
        raise ValidationError(
            _(
                "“%(code)s” is not an ISO 4217 currency code; use three capital letters such as JPY, "
                "USD or EUR."
            ),
            code="unknown_currency",
            params={"code": code},
        )
