import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  contractCheck,
  contractInfer,
  contractShow,
  registerContractCommand,
  type Output,
} from '#cli/contract.ts';
import { parseConfigContract } from '#platform/contracts.ts';
import { configContractKey, lakeCatalog } from '#platform/lake-catalog.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { Contract } from '#platform/ports.ts';

const ORDERS =
  'Order ID,Order Date,Customer Email,Amount,Channel\n' +
  Array.from(
    { length: 40 },
    (_, i) =>
      `O${100 + i},2024-0${1 + (i % 3)}-1${i % 10},p${i}@example.com,${(i * 3.5).toFixed(2)},${i % 2 ? 'web' : 'store'}`,
  ).join('\n') +
  '\n';

/** Captures what a command writes. */
function capture(): Output & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'contract-cli-'));
});

describe('insights contract infer', () => {
  it('prints a config contract of the file to edit and save, without a lake', async () => {
    const file = join(dir, 'Orders.csv');
    await writeFile(file, ORDERS);
    const io = capture();
    expect(await contractInfer(file, {}, io)).toBe(0);
    const contract = parseConfigContract(io.stdout, 'stdout', 'orders');
    expect(contract.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['order_id', 'string', 'id'],
      ['order_date', 'date', 'time'],
      ['customer_email', 'string', 'pii'],
      ['amount', 'double', 'measure'],
      ['channel', 'string', 'dimension'],
    ]);
    expect(io.stderr).toContain(`inferred from 40 rows of ${file}`);
    expect(io.stderr).toContain('config/contracts/orders.json');
    expect(await readdir(dir)).toEqual(['Orders.csv']);
  });

  it('reads gzip and takes --dataset, leaving nothing beside the file', async () => {
    const file = join(dir, 'export.csv.gz');
    await writeFile(file, gzipSync(ORDERS));
    const io = capture();
    expect(await contractInfer(file, { dataset: 'sales' }, io)).toBe(0);
    expect(parseConfigContract(io.stdout, 'stdout', 'sales').columns).toHaveLength(5);
    expect(await readdir(dir)).toEqual(['export.csv.gz']);
  });

  it('exits 1 with the reason when the file has nothing to infer from', async () => {
    const empty = join(dir, 'orders.csv');
    await writeFile(empty, '');
    const io = capture();
    expect(await contractInfer(empty, {}, io)).toBe(1);
    expect(io.stdout).toBe('');
    expect(io.stderr).toBe(`error: ${empty} is empty: no header and no rows\n`);

    const missing = capture();
    expect(await contractInfer(join(dir, 'nope.csv'), {}, missing)).toBe(1);
    expect(missing.stderr).toBe(`error: Cannot read ${join(dir, 'nope.csv')}: no such file\n`);
  });
});

describe('insights contract check', () => {
  it('passes a contract that infer printed, and says where it goes', async () => {
    const csv = join(dir, 'orders.csv');
    await writeFile(csv, ORDERS);
    const inferred = capture();
    await contractInfer(csv, {}, inferred);
    const file = join(dir, 'orders.contract.json');
    await writeFile(file, inferred.stdout);
    const io = capture();
    expect(await contractCheck(file, io)).toBe(0);
    expect(io.stdout).toBe(
      `${file}: a valid contract of orders (5 columns); in the lake it goes at config/contracts/orders.json\n`,
    );
  });

  it('exits 1 with each problem, naming the file and the path', async () => {
    const file = join(dir, 'orders.json');
    const contract: Contract = {
      dataset: 'orders',
      version: 1,
      kind: 'events',
      columns: [
        { name: 'order_id', type: 'string', role: 'id', nullable: false },
        {
          name: 'amount',
          type: 'double',
          role: 'measure',
          nullable: true,
          checks: { min: 5, max: 1 },
        },
      ],
      primaryKey: 'order_id',
      partition: 'month',
      source: 'config',
    };
    await writeFile(file, JSON.stringify(contract));
    const io = capture();
    expect(await contractCheck(file, io)).toBe(1);
    expect(io.stderr).toBe(
      `error: ${file}: columns[1].checks.min (5) is greater than checks.max (1)\n` +
        `${file}: partition "month" needs a timeColumn (a date or timestamp column); without one, use "snapshot"\n`,
    );
    const missing = capture();
    expect(await contractCheck(join(dir, 'nope.json'), missing)).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});

describe('insights contract show', () => {
  const lakeWith = async (contracts: { inferred?: Contract; config?: string }) => {
    const lake = join(dir, 'lake');
    await mkdir(lake, { recursive: true });
    const store = fsBlobStore(lake);
    if (contracts.inferred) await lakeCatalog(store).putContract(contracts.inferred);
    if (contracts.config) await store.put(configContractKey('orders'), contracts.config);
    return { lake, store };
  };
  const inferred = async () => {
    const csv = join(dir, 'orders.csv');
    await writeFile(csv, ORDERS);
    const io = capture();
    await contractInfer(csv, {}, io);
    return { ...(JSON.parse(io.stdout) as Contract), source: 'inferred' as const };
  };

  it('prints the inferred contract and says how to replace it', async () => {
    const contract = await inferred();
    const { lake, store } = await lakeWith({ inferred: contract });
    const io = capture();
    expect(await contractShow('orders', { lake }, io)).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual(contract);
    expect(io.stderr).toContain('orders: inferred from the first file');
    expect(io.stderr).toContain(
      `save an edited copy with "source": "config" as ${store.url(configContractKey('orders'))}`,
    );
  });

  it('prints the config contract when a person provided one', async () => {
    const contract = await inferred();
    const config = { ...contract, version: 2, source: 'config' };
    const { lake, store } = await lakeWith({ inferred: contract, config: JSON.stringify(config) });
    const io = capture();
    expect(await contractShow('orders', { lake }, io)).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual(config);
    expect(io.stderr).toBe(
      `orders: the contract a person provided, ${store.url(configContractKey('orders'))}\n`,
    );
  });

  it('exits 1 when there is no such contract, or it is broken', async () => {
    const { lake, store } = await lakeWith({ config: '{"dataset": "orders"}' });
    const io = capture();
    expect(await contractShow('sales', { lake }, io)).toBe(1);
    expect(io.stderr).toBe(
      `error: The lake ${lake} has no contract for sales (its datasets: orders)\n`,
    );
    const broken = capture();
    expect(await contractShow('orders', { lake }, broken)).toBe(1);
    expect(broken.stderr).toContain(
      `${store.url(configContractKey('orders'))}: version is required`,
    );
    const nowhere = capture();
    expect(await contractShow('orders', { lake: join(dir, 'nope') }, nowhere)).toBe(1);
    expect(nowhere.stderr).toBe(`error: There is no lake at ${join(dir, 'nope')}\n`);
  });
});

describe('the contract command as main.ts registers it', () => {
  let stdout: string;
  let stderr: string;
  beforeEach(() => {
    stdout = '';
    stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  const run = async (...args: string[]) => {
    const program = new Command().name('insights').exitOverride();
    registerContractCommand(program);
    await program.parseAsync(['contract', ...args], { from: 'user' });
    return process.exitCode;
  };

  it('runs show, infer and check, and sets the exit code', async () => {
    const csv = join(dir, 'orders.csv');
    await writeFile(csv, ORDERS);
    expect(await run('infer', csv)).toBe(0);
    const printed = stdout;
    const file = join(dir, 'orders.json');
    await writeFile(file, printed);
    expect(await run('check', file)).toBe(0);
    await writeFile(file, printed.replace('"version": 1', '"version": "1"'));
    expect(await run('check', file)).toBe(1);
    expect(stderr).toContain(`${file}: version must be an integer (it is "1")`);
    expect(await run('show', 'orders', '--lake', dir)).toBe(1);
    expect(stderr).toContain('has no contract for orders');
  });

  it('has help for each action', () => {
    const program = new Command().name('insights');
    const contract = registerContractCommand(program);
    expect(contract.commands.map((c) => c.name())).toEqual(['show', 'infer', 'check']);
    expect(contract.commands.find((c) => c.name() === 'show')!.helpInformation()).toContain(
      '--lake <dir>',
    );
  });
});
