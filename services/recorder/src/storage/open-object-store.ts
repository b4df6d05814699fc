import type { RecorderSettings } from '../settings';
import { createLocalObjectStore } from './local-object-store';
import type { ObjectStore } from './object-store';
import { createS3ObjectStore } from './s3-object-store';

/** The adapter the settings name (`recorderSettingsFrom` already checked the S3 keys). */
export function openObjectStore(settings: RecorderSettings): ObjectStore {
  if (settings.HOTLINE_RECORDER_STORE === 'local') return createLocalObjectStore(settings.localDir);
  return createS3ObjectStore({
    endpoint: settings.HOTLINE_RECORDER_S3_ENDPOINT!,
    bucket: settings.HOTLINE_RECORDER_S3_BUCKET!,
    region: settings.HOTLINE_RECORDER_S3_REGION,
    credentials: {
      accessKeyId: settings.HOTLINE_RECORDER_S3_ACCESS_KEY_ID!,
      secretAccessKey: settings.HOTLINE_RECORDER_S3_SECRET_ACCESS_KEY!,
    },
  });
}
