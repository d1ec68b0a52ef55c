import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderError, ensureTable, startDynalite } from '../../../app/local/dynamodb';
import { startLocalStack } from '../../../app/local/stack';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the local data folder (dynalite on disk)', () => {
  it('refuses a folder another instance holds, in one line saying which folder and what to do', async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'infrawatch-data-'));
    const first = await startLocalStack({
      dataDir: folder,
      log: quiet,
      postIntervalMs: 0,
      slackRateLimit: false,
    });
    try {
      // Act
      const second = startLocalStack({
        dataDir: folder,
        log: quiet,
        postIntervalMs: 0,
        slackRateLimit: false,
      });

      // Assess
      await expect(second).rejects.toThrow(DataFolderError);
      const message = await second.catch((error: Error) => error.message);
      expect(message).toBe(
        `the data folder ${folder} is in use by another InfraWatch (a second npm start?): stop that one, or give this one its own folder with INFRAWATCH_DATA=<folder>`,
      );
    } finally {
      await first.stop();
    }
    // The folder is free again once the first instance stopped.
    const again = await startDynalite({ path: folder });
    await again.stop();
  }, 60_000);

  it('says a damaged folder is damaged, and how to start afresh', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'infrawatch-data-'));
    const engine = await startDynalite({ path: folder });
    const client = engine.client();
    await ensureTable(client, 'infrawatch');
    client.destroy();
    await engine.stop();
    writeFileSync(join(folder, 'CURRENT'), 'garbage');

    await expect(startDynalite({ path: folder })).rejects.toThrow(
      new RegExp(
        `^the data folder ${folder} is damaged \\(Corruption: CURRENT file does not end with newline\\): move it away or delete it to start with an empty database, or use INFRAWATCH_DATA=<another folder>$`,
      ),
    );
    const notAFolder = join(folder, 'CURRENT');
    await expect(startDynalite({ path: notAFolder })).rejects.toThrow(
      `the data folder ${notAFolder} is not a folder: use INFRAWATCH_DATA=<a folder>`,
    );
    expect(readdirSync(folder)).toContain('CURRENT');
  });
});
