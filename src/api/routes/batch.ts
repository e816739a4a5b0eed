/** The response of a batch endpoint: one result per item, in order, and how many of each kind. */
export function batchSummary<Result extends string>(
  items: readonly { readonly id: string }[],
  results: readonly Result[],
  statusOf: Readonly<Record<Result, number>>,
): {
  created: number;
  existing: number;
  failed: number;
  results: { index: number; id: string; result: Result; status: number }[];
} {
  let created = 0;
  let existing = 0;
  const rows = results.map((result, index) => {
    if (result === 'ok') created += 1;
    else if (result === 'exists') existing += 1;
    return { index, id: (items[index] as { id: string }).id, result, status: statusOf[result] };
  });
  return { created, existing, failed: results.length - created - existing, results: rows };
}
