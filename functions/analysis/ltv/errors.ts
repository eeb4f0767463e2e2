/**
 * The lifetime-value functions refuse input they cannot use with this error, naming what is
 * wrong (which customer, which value), so that a report can say why the analysis was not
 * computed instead of showing numbers fitted on nonsense.
 */
export class LtvInputError extends Error {
  override readonly name = 'LtvInputError';
}
