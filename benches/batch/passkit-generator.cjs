#!/usr/bin/env node
// passkit-generator 3.6.1's side of the batch benchmark: the same design folder, the same CSV rows,
// the same identity, each pass written to disk the way `passmith batch` writes it.
//
//   node passkit-generator.cjs DESIGN.pass ROWS.csv OUT_DIR COUNT SIGNER.pem SIGNER.key WWDR.pem
//
// The model folder is read once; each of the first COUNT rows gets its own pass.json, rendered from
// the folder's by replacing `{{column}}` in every string, and becomes
// `new PKPass({...files, "pass.json": rendered}, certificates)` (the README's "Buffer Model", which
// spares passkit-generator a folder read per pass); `getAsBuffer()` is written to a temporary name
// in OUT_DIR and renamed to `<serialNumber>.pkpass`; at the end every file and OUT_DIR are fsync'ed.
// One Node process, one pass at a time: passkit-generator signs with node-forge, synchronous
// JavaScript, so concurrency inside one process would not help.
//
// Prints one JSON object: {written, seconds, passes_per_second}; seconds runs from the first
// pass to the last fsync (Node's start-up, loading the module, the certificates and the folder
// are not counted).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { PKPass } = require("passkit-generator");

function parseCsv(text) {
	// RFC 4180: quoted cells may hold commas, quotes ("") and newlines. A BOM is skipped.
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	const rows = [];
	let row = [];
	let cell = "";
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					cell += '"';
					i++;
				} else quoted = false;
			} else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ",") {
			row.push(cell);
			cell = "";
		} else if (c === "\n" || c === "\r") {
			if (c === "\r" && text[i + 1] === "\n") i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = "";
		} else cell += c;
	}
	if (cell !== "" || row.length) {
		row.push(cell);
		rows.push(row);
	}
	const [header, ...body] = rows;
	return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

function render(value, row) {
	if (typeof value === "string") {
		return value.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (m, key) => {
			if (!(key in row)) throw new Error(`no column "${key}" for placeholder ${m}`);
			return row[key];
		});
	}
	if (Array.isArray(value)) return value.map((v) => render(v, row));
	if (value && typeof value === "object") {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, row)]));
	}
	return value;
}

function readModel(dir) {
	const files = {};
	(function walk(rel) {
		for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
			const name = rel ? `${rel}/${entry.name}` : entry.name;
			if (entry.isDirectory()) walk(name);
			else if (!/^(manifest\.json|signature|\..*)$/.test(entry.name)) {
				files[name] = fs.readFileSync(path.join(dir, name));
			}
		}
	})("");
	return files;
}

function main() {
	const [design, csvPath, outDir, countArg, certPath, keyPath, wwdrPath] = process.argv.slice(2);
	if (!wwdrPath) {
		console.error(
			"usage: node passkit-generator.cjs DESIGN.pass ROWS.csv OUT_DIR COUNT SIGNER.pem SIGNER.key WWDR.pem",
		);
		process.exit(2);
	}
	const certificates = {
		wwdr: fs.readFileSync(wwdrPath),
		signerCert: fs.readFileSync(certPath),
		signerKey: fs.readFileSync(keyPath),
	};
	const model = readModel(design);
	const template = JSON.parse(model["pass.json"].toString("utf8"));
	delete model["pass.json"];
	const rows = parseCsv(fs.readFileSync(csvPath, "utf8")).slice(0, Number(countArg));
	fs.mkdirSync(outDir, { recursive: true });

	const t0 = process.hrtime.bigint();
	const written = [];
	for (const row of rows) {
		const passJson = Buffer.from(JSON.stringify(render(template, row)));
		const pass = new PKPass({ ...model, "pass.json": passJson }, certificates);
		const zip = pass.getAsBuffer();
		const final = path.join(outDir, `${row.serialNumber}.pkpass`);
		const tmp = path.join(outDir, `.${row.serialNumber}.pkpass.tmp`);
		fs.writeFileSync(tmp, zip, { flag: "wx" });
		fs.renameSync(tmp, final);
		written.push(final);
	}
	for (const file of written) {
		const fd = fs.openSync(file, "r");
		fs.fsyncSync(fd);
		fs.closeSync(fd);
	}
	const dirFd = fs.openSync(outDir, "r");
	fs.fsyncSync(dirFd);
	fs.closeSync(dirFd);
	const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
	console.log(
		JSON.stringify({
			written: written.length,
			seconds: Math.round(seconds * 1000) / 1000,
			passes_per_second: Math.round((written.length / seconds) * 10) / 10,
		}),
	);
}

main();
