// Expand an iCalendar file with Mozilla's ical.js (Thunderbird's parser) and print every occurrence
// starting in [from, to) as JSON: [{uid, start, end, status, xstatus}], times in UTC ISO 8601.
// Usage: node expand.mjs FILE.ics FROM_ISO TO_ISO
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [, , file, fromIso, toIso] = process.argv;
const from = new Date(fromIso).getTime();
const to = new Date(toIso).getTime();
const slack = 62 * 24 * 3600 * 1000; // moved occurrences may land after their original date

const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const groups = new Map();
for (const vevent of root.getAllSubcomponents("vevent")) {
  const uid = vevent.getFirstPropertyValue("uid");
  if (!groups.has(uid)) groups.set(uid, { master: null, exceptions: [] });
  const group = groups.get(uid);
  if (vevent.hasProperty("recurrence-id")) group.exceptions.push(vevent);
  else group.master = vevent;
}

const out = [];
function push(uid, startDate, endDate, component) {
  const start = startDate.toJSDate().getTime();
  if (start < from || start >= to) return;
  out.push({
    uid,
    start: new Date(start).toISOString(),
    end: endDate.toJSDate().toISOString(),
    status: component.getFirstPropertyValue("status"),
    xstatus: component.getFirstPropertyValue("x-coordinator-status"),
  });
}

for (const [uid, group] of groups) {
  if (!group.master) throw new Error("override without master: " + uid);
  const event = new ICAL.Event(group.master, { exceptions: group.exceptions, strictExceptions: true });
  if (!event.isRecurring()) {
    push(uid, event.startDate, event.endDate, group.master);
    continue;
  }
  const iterator = event.iterator();
  let next;
  let guard = 0;
  while ((next = iterator.next())) {
    if (next.toJSDate().getTime() >= to + slack) break;
    if (++guard > 100000) throw new Error("runaway expansion: " + uid);
    const details = event.getOccurrenceDetails(next);
    push(uid, details.startDate, details.endDate, details.item.component);
  }
}
out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.uid < b.uid ? -1 : 1));
process.stdout.write(JSON.stringify(out));
