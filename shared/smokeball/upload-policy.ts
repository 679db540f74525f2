// Where a document's bytes may go. Smokeball answers a file create with a pre-signed URL of its storage
// (AWS S3), and the upload sends the document there with no further check of ours — so a URL that is not
// https or not on the storage hosts (a tampered or misrouted answer) must never receive a document.
// A decision as a value: the reason is logged when the URL is refused.

/** S3 pre-signed URLs: `<bucket>.s3.<region>.amazonaws.com` or `s3.<region>.amazonaws.com/<bucket>`. */
export const DEFAULT_UPLOAD_HOST_SUFFIXES = ['amazonaws.com'];

export type UploadUrlPolicy = {
  /** Hosts (and their subdomains) an https upload may go to. */
  hostSuffixes: string[];
  /**
   * Exact origins also allowed, whatever the scheme: the overridden Smokeball host of local development
   * (the simulator serves its S3 stand-in over http on the API's origin).
   */
  extraOrigins: string[];
};

export type UploadUrlVerdict = { verdict: 'allow' | 'refuse'; reason: string };

export function judgeUploadUrl(raw: string, policy: UploadUrlPolicy): UploadUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { verdict: 'refuse', reason: 'not_a_url' };
  }
  if (url.username || url.password) return { verdict: 'refuse', reason: 'credentials_in_url' };
  if (policy.extraOrigins.includes(url.origin)) return { verdict: 'allow', reason: 'configured_origin' };
  if (url.protocol !== 'https:') return { verdict: 'refuse', reason: 'not_https' };
  if (url.port !== '') return { verdict: 'refuse', reason: 'unexpected_port' };
  const host = url.hostname.toLowerCase();
  const expected = policy.hostSuffixes.some((suffix) => {
    const s = suffix.toLowerCase().replace(/^\.+/, '');
    return host === s || host.endsWith(`.${s}`);
  });
  return expected ? { verdict: 'allow', reason: 'expected_host' } : { verdict: 'refuse', reason: 'unexpected_host' };
}
