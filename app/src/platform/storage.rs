//! Media bytes live behind one interface (`object_store`): the local disk by default, S3-compatible
//! object storage by configuration. The database holds metadata only. Keys are random and never
//! shown: every byte is served by the authorised media handler (UP-04).
use std::{fmt, ops::Range, path::PathBuf, sync::Arc};

use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path, GetOptions, GetRange, ObjectStore,
    ObjectStoreExt, PutPayload, WriteMultipart,
};

use crate::error::AppError;

#[derive(Clone)]
pub enum StorageConfig {
    Local(PathBuf),
    S3 {
        bucket: String,
        /// For S3-compatible services (MinIO, Garage, Ceph); None means AWS itself.
        endpoint: Option<String>,
        region: String,
        access_key_id: String,
        secret_access_key: String,
    },
}

// Hand-written so a secret can never reach a log line through `{:?}`.
impl fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageConfig::Local(dir) => write!(f, "Local({})", dir.display()),
            StorageConfig::S3 {
                bucket, endpoint, ..
            } => write!(f, "S3(bucket={bucket}, endpoint={endpoint:?})"),
        }
    }
}

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

fn io_error(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "file error");
    AppError::Internal
}

fn storage_error(e: object_store::Error) -> AppError {
    tracing::error!(error = %e, "storage error");
    AppError::Internal
}

impl Storage {
    pub fn open(config: &StorageConfig) -> Result<Storage, String> {
        let store: Arc<dyn ObjectStore> = match config {
            StorageConfig::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                Arc::new(
                    LocalFileSystem::new_with_prefix(dir)
                        .map_err(|e| e.to_string())?
                        .with_automatic_cleanup(true),
                )
            }
            StorageConfig::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
            } => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key);
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                Arc::new(builder.build().map_err(|e| e.to_string())?)
            }
        };
        Ok(Storage { store })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, AppError> {
        let found = self
            .store
            .get(&Path::from(key))
            .await
            .map_err(storage_error)?;
        found.bytes().await.map_err(storage_error)
    }

    /// At most the first `n` bytes of an object (a photo's header, to plan its decoding).
    pub async fn head(&self, key: &str, n: u64) -> Result<Vec<u8>, AppError> {
        use futures::StreamExt;
        let mut chunks = self.stream(key, None).await?;
        let mut out = Vec::new();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(storage_error)?;
            let room = (n as usize).saturating_sub(out.len());
            out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if out.len() as u64 >= n {
                break;
            }
        }
        Ok(out)
    }

    /// The object, or one byte range of it, as a stream of the store's own small chunks (8 KiB from
    /// disk, the HTTP body's frames from S3): never collected in memory (DS-01).
    pub async fn stream(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, object_store::Error>>, AppError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        let found = self
            .store
            .get_opts(&Path::from(key), options)
            .await
            .map_err(storage_error)?;
        Ok(found.into_stream())
    }

    /// Copies an object to a local file chunk by chunk (ffmpeg needs a file; a video may be large).
    pub async fn download_to(&self, key: &str, path: &std::path::Path) -> Result<(), AppError> {
        use futures::StreamExt;
        use tokio::io::AsyncWriteExt;
        let found = self
            .store
            .get(&Path::from(key))
            .await
            .map_err(storage_error)?;
        let mut stream = found.into_stream();
        let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk.map_err(storage_error)?)
                .await
                .map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)
    }

    /// Stores a local file chunk by chunk.
    pub async fn upload_from(&self, key: &str, path: &std::path::Path) -> Result<(), AppError> {
        use tokio::io::AsyncReadExt;
        let mut file = tokio::fs::File::open(path).await.map_err(io_error)?;
        let mut writer = self.writer(key).await?;
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            let n = file.read(&mut buf).await.map_err(io_error)?;
            if n == 0 {
                break;
            }
            if let Err(e) = writer.write(&buf[..n]).await {
                writer.abort().await;
                return Err(e);
            }
        }
        writer.finish().await
    }

    /// Deletes an object; one that is already gone counts as deleted (retries are safe).
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_error(e)),
        }
    }

    /// Starts a streamed write: parts go to storage as they arrive, never the whole file in memory.
    pub async fn writer(&self, key: &str) -> Result<Writer, AppError> {
        let upload = self
            .store
            .put_multipart(&Path::from(key))
            .await
            .map_err(storage_error)?;
        Ok(Writer {
            inner: WriteMultipart::new_with_chunk_size(upload, 5 * 1024 * 1024),
        })
    }
}

pub struct Writer {
    inner: WriteMultipart,
}

impl Writer {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.inner
            .wait_for_capacity(2)
            .await
            .map_err(storage_error)?;
        self.inner.write(chunk);
        Ok(())
    }

    pub async fn finish(self) -> Result<(), AppError> {
        self.inner.finish().await.map_err(storage_error)?;
        Ok(())
    }

    /// Throws away what was written (a refused or broken upload leaves nothing behind).
    pub async fn abort(self) {
        if let Err(e) = self.inner.abort().await {
            tracing::warn!(error = %e, "could not abort a partial upload");
        }
    }
}
