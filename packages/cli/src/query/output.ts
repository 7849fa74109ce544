/** Where a query writes its human-readable text; `json` true means print nothing (the caller prints the data). */
export interface QueryOutput {
  json: boolean;
  log(text: string): void;
}
