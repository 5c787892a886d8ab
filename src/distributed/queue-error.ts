import { ExpbookError } from "../util/errors.js";

/** The job queue's database cannot be reached or used as asked (a one-line message says what to do). */
export class QueueError extends ExpbookError {
  override name = "QueueError";
}
