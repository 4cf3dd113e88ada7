import path from 'node:path';

/** A workflow-action hsmeta that is not the project's: exercises OBJECT_PROPERTY inputs and requested properties. */
export const NOTIFY_ACTION_FILE = path.join(__dirname, '../fixtures/notify-referrer-hsmeta.json');
