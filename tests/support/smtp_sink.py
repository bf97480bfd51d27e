"""A real SMTP server for the `passmith mail` tests (aiosmtpd from PyPI), on 127.0.0.1.

    python3 smtp_sink.py OUT_DIR [--reject ADDR]... [--defer ADDR]...
                         [--starttls CERT KEY | --tls CERT KEY] [--login USER PASSWORD]

Listens on a free port and prints it as the first line of stdout. Each message it accepts is
saved as OUT_DIR/NNNN.eml (the bytes as received), parsed with Python's `email` package (an
independent MIME parser, not the one that wrote it) into OUT_DIR/NNNN.json: the envelope, the
decoded headers, whether the raw headers are pure ASCII, the MIME tree, the text and HTML
bodies, and each attachment (its decoded bytes saved as OUT_DIR/NNNN-K.bin). Files are written
under a temporary name and renamed, so a reader never sees half a message.

--reject ADDR: RCPT TO:<ADDR> gets a permanent "550 5.1.1" reply.
--defer ADDR:  the first RCPT TO:<ADDR> gets a temporary "451 4.7.1" reply, later ones 250.
--starttls CERT KEY: offers STARTTLS with that PEM certificate and key, and requires it before
               MAIL FROM.
--tls CERT KEY: TLS from the first byte (implicit TLS, as on port 465).
--login USER PASSWORD: AUTH (PLAIN or LOGIN) with exactly these is required before MAIL FROM;
               anything else gets "535 5.7.8".
Each message's JSON also records "tls" (whether it came over TLS) and "login" (the user that
authenticated, or null).
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def tree(part):
    if part.is_multipart():
        inner = ",".join(tree(p) for p in part.iter_parts())
        return f"{part.get_content_type()}[{inner}]"
    return part.get_content_type()


class Handler:
    def __init__(self, out, reject, defer):
        self.out = out
        self.reject = {a.lower() for a in reject}
        self.defer = {a.lower() for a in defer}
        self.deferred = set()
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = address.lower()
        if a in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"
        if a in self.defer and a not in self.deferred:
            self.deferred.add(a)
            return f"451 4.7.1 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.out, f"{n:04}")
        header_end = raw.find(b"\r\n\r\n")
        raw_headers = raw[: header_end if header_end >= 0 else len(raw)]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        attachments = []
        for k, part in enumerate(msg.iter_attachments()):
            data = part.get_content()
            if isinstance(data, str):
                data = data.encode()
            path = f"{base}-{k}.bin"
            write_atomically(path, data)
            attachments.append(
                {
                    "content_type": part.get_content_type(),
                    "filename": part.get_filename(),
                    "disposition": part.get_content_disposition(),
                    "path": path,
                }
            )
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "reply_to": str(msg["reply-to"]) if msg["reply-to"] else None,
            "message_id": str(msg["message-id"]),
            "mime_version": str(msg["mime-version"]),
            "headers_ascii": all(b < 0x80 for b in raw_headers),
            "tree": tree(msg),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "attachments": attachments,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.login.decode() if session.authenticated else None,
        }
        write_atomically(base + ".eml", raw)
        write_atomically(base + ".json", json.dumps(summary).encode())
        return f"250 2.0.0 Ok: queued as {n:04}"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--defer", action="append", default=[])
    secured = parser.add_mutually_exclusive_group()
    secured.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    secured.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--login", nargs=2, metavar=("USER", "PASSWORD"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    handler = Handler(args.out, args.reject, args.defer)
    context = None
    if args.starttls or args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*(args.starttls or args.tls))

    def authenticate(server, session, envelope, mechanism, auth_data):
        user, password = args.login
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        # handled=False: aiosmtpd itself answers 235, or 535 on a failure.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def protocol():
        return SMTP(
            handler,
            hostname="sink.test",
            data_size_limit=None,
            tls_context=context if args.starttls else None,
            require_starttls=bool(args.starttls),
            # With implicit TLS the whole connection is encrypted, so AUTH is offered at once.
            auth_require_tls=not args.tls,
            auth_required=bool(args.login),
            authenticator=authenticate if args.login else None,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        protocol,
        host="127.0.0.1",
        port=0,
        ssl=context if args.tls else None,
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # The test closes stdin (or dies) to stop the server.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
