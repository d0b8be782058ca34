"""The portal's SAML metadata as AgID (SPID, Avviso n. 29 v3 and the technical rules) and the Ministry
of the Interior (CIE) ask of a public administration: one AssertionConsumerService (index 0, default),
one AttributeConsumingService (index 0) with the attributes the portal needs, the Organization in
Italian, the ContactPerson "other" with the public-administration extensions (IPA code, Public) for
SPID, the "administrative" one with the CIE extensions for CIE; signed with the portal's key."""
import saml2
from django.conf import settings
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.sigver import security_context

from . import conf


def _ext(name, namespace, text=None, children=()):
    element = saml2.ExtensionElement(name, namespace=namespace, text=text)
    element.children.extend(children)
    return element


def _spid_contact():
    contact = saml2.md.ContactPerson(contact_type="other")
    contact.email_address = [saml2.md.EmailAddress(text=settings.SPID_CONTACT_EMAIL)]
    if settings.SPID_CONTACT_PHONE:
        contact.telephone_number = [saml2.md.TelephoneNumber(text=settings.SPID_CONTACT_PHONE)]
    contact.extensions = saml2.md.Extensions(extension_elements=[
        _ext("IPACode", conf.SPID_NS, settings.SPID_IPA_CODE),
        _ext("Public", conf.SPID_NS),
    ])
    return contact


def _cie_contact():
    contact = saml2.md.ContactPerson(contact_type="administrative")
    contact.company = saml2.md.Company(text=settings.SPID_ORGANIZATION_NAME)
    contact.email_address = [saml2.md.EmailAddress(text=settings.SPID_CONTACT_EMAIL)]
    if settings.SPID_CONTACT_PHONE:
        contact.telephone_number = [saml2.md.TelephoneNumber(text=settings.SPID_CONTACT_PHONE)]
    contact.extensions = saml2.md.Extensions(extension_elements=[
        _ext("Public", conf.CIE_NS),
        _ext("IPACode", conf.CIE_NS, settings.SPID_IPA_CODE),
        _ext("Municipality", conf.CIE_NS, settings.SPID_MUNICIPALITY),
    ])
    return contact


def sp_metadata_xml(request=None, profile=conf.SPID) -> str:
    config = conf.config_loader(request)
    descriptor = entity_descriptor(config)
    sp = descriptor.spsso_descriptor
    for index, acs in enumerate(sp.assertion_consumer_service):
        acs.index = str(index)
        acs.is_default = "true" if index == 0 else None
    for index, service in enumerate(sp.attribute_consuming_service):
        service.index = str(index)
        service.is_default = None
        if profile == conf.CIE:  # CIE gives only these: no e-mail address (the person types it)
            service.requested_attribute = [r for r in service.requested_attribute if r.name in conf.CIE_ATTRIBUTES]
        for requested in service.requested_attribute:
            requested.friendly_name = None
            requested.is_required = None
        for name in service.service_name:
            name.lang = "it"
            name.text = settings.SPID_ORGANIZATION_DISPLAY_NAME
    descriptor.extensions = None
    descriptor.register_prefix({"spid": conf.SPID_NS, "cie": conf.CIE_NS})
    descriptor.contact_person = [_cie_contact() if profile == conf.CIE else _spid_contact()]
    secc = security_context(config)
    _eid, xml = sign_entity_descriptor(descriptor, None, secc, sign_alg=saml2.xmldsig.SIG_RSA_SHA256,
                                       digest_alg=saml2.xmldsig.DIGEST_SHA256)
    return xml if isinstance(xml, str) else xml.decode()
