import type { Customer, Invoice } from "./dataset";

/**
 * Renders an invoice as a one-page PDF 1.4 document, built by hand so the sandbox needs no PDF library. Nothing
 * time-dependent goes in (no creation date, no random document id): the same invoice always gives the same
 * bytes, which is how the demo's test proves the download arrived intact.
 */
export function renderInvoicePdf(invoice: Invoice, customer: Customer | undefined): Buffer {
  const text: string[] = [];
  let y = 780;
  const line = (x: number, content: string, font: "F1" | "F2" = "F1", size = 11) => {
    text.push(`BT /${font} ${size} Tf ${x} ${y} Td (${escapePdfText(content)}) Tj ET`);
  };
  line(50, "Acme Shop", "F2", 22);
  line(400, `Invoice ${invoice.number}`, "F2", 13);
  y -= 40;
  line(50, `Billed to: ${customer?.name ?? invoice.customer}`);
  line(400, `Issued: ${new Date(invoice.created * 1000).toISOString().slice(0, 10)}`);
  y -= 16;
  line(50, customer?.email ?? "");
  line(400, `Due: ${invoice.due_date}`);
  y -= 16;
  line(400, `Status: ${invoice.status}`);
  y -= 40;
  line(50, "Description", "F2");
  line(340, "Qty", "F2");
  line(400, "Unit", "F2");
  line(480, "Amount", "F2");
  for (const item of invoice.lines) {
    y -= 18;
    line(50, item.description.slice(0, 48));
    line(340, String(item.quantity));
    line(400, money(item.unit_amount));
    line(480, money(item.unit_amount * item.quantity));
  }
  y -= 30;
  line(400, "Total", "F2");
  line(480, `${money(invoice.total)} ${invoice.currency.toUpperCase()}`, "F2");
  if (invoice.memo) {
    y -= 40;
    line(50, invoice.memo.slice(0, 90));
  }
  return assemblePdf(text.join("\n"), `Invoice ${invoice.number}`);
}

function assemblePdf(content: string, title: string): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
    `<< /Title (${escapePdfText(title)}) /Producer (ExecKit demo sandbox) >>`,
  ];
  // The cross-reference table needs each object's byte offset, so the file is assembled as latin1 (one byte per
  // character) and measured as it grows.
  let pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** PDF string literals escape `\`, `(` and `)`; anything outside printable latin1 becomes `?`. */
function escapePdfText(value: string): string {
  return value.replace(/[^\x20-\x7e\xa0-\xff]/g, "?").replace(/[\\()]/g, (char) => `\\${char}`);
}

function money(cents: number): string {
  return `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
