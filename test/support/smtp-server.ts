import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message: headers and body as the client sent them. */
  raw: string;
}

/** What the server answers to a message: accept it, or refuse with an SMTP code (4xx temporary, 5xx permanent). */
export type SmtpAnswer = 'accept' | { code: number; message: string };

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** How many messages were offered, accepted or not. */
  offered: number;
  /** Decides the answer to each message offered (the first is number 1). */
  answer: (messageNumber: number) => SmtpAnswer;
  /** Delay before answering, to hold a sender in the middle of a send. */
  delayMs: number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 and a free port, recording what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    received: [],
    offered: 0,
    answer: () => 'accept',
    delayMs: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    // Plain text on the loopback: no certificate to trust in tests.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.offered += 1;
        const answer = state.answer(state.offered);
        setTimeout(() => {
          if (answer !== 'accept') {
            callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
            return;
          }
          state.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        }, state.delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return state;
}
