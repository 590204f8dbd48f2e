/**
 * The baseline: a minimal plain Socket.IO chat server, no encryption, no persistence, no
 * validation. Same events in spirit as ours (login, public broadcast, private to one), so the
 * benchmark can run the identical load against both. Listens on PORT, prints "ready".
 */
import { createServer } from 'node:http';

import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { maxHttpBufferSize: 80 * 1024 });
const byName = new Map<string, string>();

io.on('connection', (socket) => {
  socket.on('login', (username: string) => {
    byName.set(username, socket.id);
    socket.data.username = username;
    // no join broadcast to everyone: its n² frames would bound plain's connect rate (ours sends
    // presence in batches), and issue 14 compares connect rates against plain without them
    socket.emit('joined', { username, users: byName.size });
  });
  socket.on('message', (m: { clientId: string; text: string }) => {
    io.emit('message', { ...m, from: socket.data.username, at: Date.now() });
  });
  socket.on('private', (m: { clientId: string; to: string; text: string }) => {
    const to = byName.get(m.to);
    const message = { ...m, from: socket.data.username, at: Date.now() };
    if (to) io.to(to).emit('private', message);
    socket.emit('private', message);
  });
  // files: each chunk relayed to the recipient and acknowledged to the sender (no storage)
  socket.on('chunk', (c: { to: string; index: number; data: Buffer }) => {
    const to = byName.get(c.to);
    if (to) io.to(to).emit('chunk', { index: c.index, data: c.data });
    socket.emit('chunk-ack', c.index + 1);
  });
  socket.on('disconnect', () => {
    if (byName.get(socket.data.username) === socket.id)
      byName.delete(socket.data.username);
  });
});

http.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = http.address() as { port: number };
  console.log(`ready ${address.port}`);
});
