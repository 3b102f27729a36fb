// Loads @prisma/schema-engine-wasm without `--experimental-wasm-modules`: the package's entry
// does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20 cannot import, so the
// module is compiled here and wired to the package's JS glue by hand.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** Rust panics inside the wasm engine report their message through this global. */
class WasmPanicRegistry {
  message = '';
  set_message(value) {
    this.message = value;
  }
  get() {
    return this.message;
  }
}

let loaded;

/**
 * Returns the wasm-bindgen glue module (exports `SchemaEngine`, `version`), instantiated once.
 * @returns {Promise<typeof import('@prisma/schema-engine-wasm')>}
 */
export function loadSchemaEngineWasm() {
  loaded ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= new WasmPanicRegistry();
    // `./schema_engine_bg` is the one subpath the package exports besides its entry.
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const glue = await import(pathToFileURL(path.join(pkgDir, 'schema_engine_bg.js')).href);
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return glue;
  })();
  return loaded;
}

/** Last panic message recorded by the wasm engine, if any. */
export function lastWasmPanic() {
  return globalThis.PRISMA_WASM_PANIC_REGISTRY?.get?.() ?? '';
}
