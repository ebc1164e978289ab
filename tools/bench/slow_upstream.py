#!/usr/bin/env python3
"""An OpenAI-compatible upstream that takes its time, for the benchmarks that need one:
`POST …/chat/completions` answers a fixed completion after --delay seconds, or, with
"stream": true, sends --chunks content events --gap-ms apart (then usage and [DONE]) over a
chunked HTTP/1.1 response. Keep-alive; any number of concurrent connections (asyncio).
  slow_upstream.py --port 18911 [--delay 2] [--chunks 20] [--gap-ms 20]
"""
import argparse
import asyncio
import json

COMPLETION = json.dumps({
    "id": "chatcmpl-slow", "object": "chat.completion", "created": 1, "model": "bench",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Once upon a time, two friends met."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 30, "completion_tokens": 9, "total_tokens": 39}}).encode()


def event(payload):
    data = b"data: " + payload + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(data), data)


def chunk_event(index, last=False):
    choice = {"index": 0, "delta": {} if last else {"content": "word%d " % index},
              "finish_reason": "stop" if last else None}
    body = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "bench", "choices": [choice]}
    if last:
        body["usage"] = {"prompt_tokens": 9, "completion_tokens": index, "total_tokens": 9 + index}
    return event(json.dumps(body).encode())


async def serve(reader, writer, options):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length) if length else b""
            close = b"connection: close" in head.lower()
            streamed = b'"stream":true' in body.replace(b" ", b"")
            if not streamed:
                await asyncio.sleep(options.delay)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(COMPLETION), COMPLETION))
                await writer.drain()
                if close:
                    break
                continue
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for index in range(options.chunks):
                writer.write(chunk_event(index))
                await writer.drain()
                await asyncio.sleep(options.gap_ms / 1000)
            writer.write(chunk_event(options.chunks, last=True) + event(b"[DONE]") + b"0\r\n\r\n")
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--gap-ms", type=float, default=20.0)
    options = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: serve(r, w, options), "127.0.0.1", options.port, backlog=4096)
    async with server:
        await server.serve_forever()


asyncio.run(main())
