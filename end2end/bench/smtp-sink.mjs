// A counting SMTP sink for the weekly-summary benchmark: accepts every message, counts messages and
// recipients, and on SIGTERM writes {messages, distinct, doubled} to the file named on the command
// line. Usage: node smtp-sink.mjs PORT STATS_FILE
import net from "node:net";
import fs from "node:fs";

const [port, statsFile] = [Number(process.argv[2]), process.argv[3]];
const perRecipient = new Map();
let messages = 0;

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let buffer = "";
  let inData = false;
  let rcpt = [];
  socket.write("220 sink ESMTP\r\n");
  socket.on("data", (chunk) => {
    buffer += chunk.toString("latin1");
    for (;;) {
      if (inData) {
        const end = buffer.indexOf("\r\n.\r\n");
        if (end < 0) return;
        buffer = buffer.slice(end + 5);
        inData = false;
        messages += 1;
        for (const r of rcpt) perRecipient.set(r, (perRecipient.get(r) || 0) + 1);
        rcpt = [];
        socket.write("250 queued\r\n");
        continue;
      }
      const eol = buffer.indexOf("\r\n");
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const upper = line.toUpperCase();
      if (upper.startsWith("EHLO") || upper.startsWith("HELO")) socket.write("250 sink\r\n");
      else if (upper.startsWith("RCPT TO:")) {
        rcpt.push(line.slice(8).trim().replace(/[<>]/g, ""));
        socket.write("250 OK\r\n");
      } else if (upper.startsWith("DATA")) {
        inData = true;
        // The body may start right after the command in the same chunk.
        buffer = "\r\n" + buffer;
        socket.write("354 go ahead\r\n");
      } else if (upper.startsWith("QUIT")) {
        socket.end("221 bye\r\n");
        return;
      } else socket.write("250 OK\r\n");
    }
  });
  socket.on("error", () => undefined);
});

server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => {
  const distinct = perRecipient.size;
  fs.writeFileSync(statsFile, JSON.stringify({ messages, distinct, doubled: messages - distinct }));
  process.exit(0);
});
