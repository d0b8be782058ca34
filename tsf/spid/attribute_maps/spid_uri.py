"""SPID and CIE attributes: their names as the IdPs send them (NameFormat uri, as some send them), kept as they are."""
NAMES = (
    "spidCode", "name", "familyName", "placeOfBirth", "countyOfBirth", "dateOfBirth", "gender",
    "companyName", "registeredOffice", "fiscalNumber", "ivaCode", "idCard", "mobilePhone", "email",
    "address", "expirationDate", "digitalAddress", "domicileStreetAddress", "domicilePostalCode",
    "domicileMunicipality", "domicileProvince", "domicileNation", "companyFiscalNumber",
)
MAP = {
    "identifier": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
    "fro": {name: name for name in NAMES},
    "to": {name: name for name in NAMES},
}
