import type { LightMyRequestResponse } from 'fastify';
import type { TestBrowser } from './http-client.js';
import type { TestPortal } from './test-portal.js';

/** A file of a form: its field, its name on the sender's disk, its declared type, its bytes. */
export interface FormFile {
  name: string;
  filename: string;
  type?: string;
  data: Buffer;
}

/** A form sent as multipart/form-data, fields (`_csrf` first) then the file, as a browser sends a form with a file. */
export function multipartForm(fields: Record<string, string>, file?: FormFile) {
  const boundary = '----pf-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/pdf'}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a form with a file from the browser: its cookies, and the anti-forgery token of the last page it read. */
export async function postMultipart(
  portal: TestPortal,
  browser: TestBrowser,
  url: string,
  fields: Record<string, string>,
  file?: FormFile,
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = multipartForm({ _csrf: browser.csrfToken() ?? '', ...fields }, file);
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return portal.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, cookie } });
}
