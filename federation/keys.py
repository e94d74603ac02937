"""RSA-2048 key pairs for members (PEM text), and signing/verifying with rsa-sha256."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def generate() -> tuple[str, str]:
    """A new key pair: (public PEM, private PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return public, private


def sign(private_pem: str, data: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify(public_pem: str, signature: bytes, data: bytes) -> bool:
    """True when `signature` is `data` signed by the key; False for a bad signature or key."""
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except (ValueError, TypeError):
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
