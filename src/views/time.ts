// The exact nanosecond form every view shows times in; it lives in src/domain so that the layers
// below the views (the event views of src/events) show times the same way.
export { isoTime } from '../domain/time.js';
