// Webhook signature (docs/smokeball.md §5 "Signature"): lowercase hex HMAC-SHA256 with the subscription key over
// `{Timestamp}|{RequestId}|{ClientId}`, where ClientId is the app's OAuth client id. The body is not signed.
import { createHmac } from 'node:crypto';

export function signWebhook(key: string, timestamp: string, requestId: string, clientId: string): string {
  return createHmac('sha256', key).update(`${timestamp}|${requestId}|${clientId}`, 'utf8').digest('hex');
}
