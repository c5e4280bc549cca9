// madmin's export-iam (a zip of MinIO's iam-assets/*.json documents) and import-iam (the same
// zip back); an archive that is not a zip, or holds a bad entry, changes nothing.
import { unzipSync, zipSync } from "fflate";
import { EXPORT_FILES, exportIam, importIam } from "../iam/index.ts";
import { AdminError } from "./admin-error.ts";
import { emptyAdminResponse } from "./admin-request.ts";
import { iamCall, type AdminRoute } from "./iam-routes.ts";

const DIR = "iam-assets/";

export const IAM_TRANSFER_ROUTES: Record<string, AdminRoute> = {
  "export-iam": {
    method: "GET",
    action: "admin:ExportIAM",
    async handle(_ctx, deps) {
      const docs = exportIam(deps.iam);
      const files: Record<string, Uint8Array> = {};
      for (const name of EXPORT_FILES) files[DIR + name] = new TextEncoder().encode(JSON.stringify(docs[name]));
      return new Response(zipSync(files), { headers: { "content-type": "application/zip", "content-disposition": 'attachment; filename="iam-assets.zip"' } });
    },
  },
  "import-iam": {
    method: ["PUT", "POST"],
    action: "admin:ImportIAM",
    async handle(ctx, deps) {
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(ctx.body);
      } catch (err) {
        throw new AdminError("XMinioAdminInvalidArgument", `The IAM archive is not a zip file: ${(err as Error).message}`);
      }
      const docs: Record<string, unknown> = {};
      for (const [path, bytes] of Object.entries(entries)) {
        const name = path.startsWith(DIR) ? path.slice(DIR.length) : path;
        if (path.endsWith("/")) continue;
        // A document we would not import is refused, not skipped: the caller would believe it carried over.
        if (!(EXPORT_FILES as readonly string[]).includes(name)) {
          throw new AdminError("NotImplemented", `The IAM archive holds "${path}", which this server does not import; nothing was imported`, 501);
        }
        try {
          docs[name] = JSON.parse(new TextDecoder().decode(bytes));
        } catch (err) {
          throw new AdminError("XMinioAdminInvalidArgument", `${name} in the IAM archive is not JSON: ${(err as Error).message}`);
        }
      }
      await iamCall(() => importIam(deps.iam, docs));
      return emptyAdminResponse();
    },
  },
};
